"""积分与排名: the scoring table, the set-based ranking statements and the published
ranking bulletins (通报)."""
