"""信访: letters, visits, calls and online petitions with their legal deadlines."""
