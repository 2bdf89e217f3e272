"""Every marshmallow schema of the assistance plugin. The API's bodies, queries and
responses (which make its OpenAPI document) are by what they describe: ``records`` (the
register), ``moves`` (the body of each workflow move), ``fund``, ``aid`` (grants and
loans) and ``visits`` (pairings and campaigns), over the field helpers of ``common``.
``forms`` holds the same schemas as the pages' forms read them, with amounts typed in
yuan (:class:`core.money.Yuan`, loaded as 分 under the same bounds).

Amounts are integers in 分 (``strict``: ``1.5`` or ``"100"`` is refused, never rounded);
every number has an upper bound so hostile input is a 422, never a database overflow."""
