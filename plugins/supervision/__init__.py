"""督查督办: tasks opened, handed over, reported on, urged and closed, with traffic lights
and monthly views. Laid out in the plugin shape (DESIGN.md "Inside a plugin")."""
