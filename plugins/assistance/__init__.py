"""困难党员帮扶: the hardship register, the fund ledger, grants, loans and campaigns."""
