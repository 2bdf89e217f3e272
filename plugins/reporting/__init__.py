"""组工信息报送: information items submitted upward, adopted, forwarded, scored and ranked —
the plugin whose records are read across tenants, through core grants only."""
