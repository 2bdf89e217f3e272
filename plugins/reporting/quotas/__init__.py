"""Quotas (报送任务): per period (a quarter by default) per child, a total and minimums of
given kinds; completion seen by the child and its parent."""
