"""督查督办: tasks followed through reminders and progress reports to done."""
