"""Formal documents (.docx) printed from templates a tenant can replace.

A plugin (core included) declares each document it prints through the
``zugong_document_templates`` hook: a name, a title, the default template shipped with
the plugin and a sample of the context it renders with. A tenant's admin may upload a
replacement (checked: a real .docx that renders with the sample) or go back to the
default; everything else prints through :func:`core.documents.services.render`, which
picks the tenant's file when there is one. Only templates of the plugins the tenant
enables (and core's) are listed or usable.
"""
