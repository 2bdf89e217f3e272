"""期刊: bulletin titles, numbered issues composed from adopted items, printed and
published to the publisher's descendants."""
