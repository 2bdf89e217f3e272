"""组工信息报送: information items submitted upward, adopted, scored and ranked."""
