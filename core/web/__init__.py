"""The web shell: layout, navigation, dashboard, to-do list, tenant admin."""
