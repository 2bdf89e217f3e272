"""Org units (组织机构) and the Party member registry (党员信息)."""
