"""Every marshmallow schema of the petitions API and pages, a module per subject:
:mod:`.petitions`, :mod:`.moves`, :mod:`.categories`, :mod:`.statistics`, :mod:`.links`."""
