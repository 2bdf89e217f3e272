"""Every read of the assistance plugin: ``records`` (one record and what hangs on it,
lookups that answer 404, the settings, the counts the guards ask for), ``fund`` (the
accounts and the statement) and ``reports`` (statistics, rosters, the annual summary)."""
