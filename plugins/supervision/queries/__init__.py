"""Every read of the supervision plugin: ``records`` (one item and what hangs on it, the
tenant's people and sections), ``lights`` (the traffic-light expression) and ``tables``
(the board and the weekly, monthly, performance and overdue views)."""
