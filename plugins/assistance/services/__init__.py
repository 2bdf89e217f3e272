"""Every write of the assistance plugin: ``register`` (applications, documents,
objections), ``aid`` (relief grants and revolving loans, repayments), ``visits``
(pairing and visit campaigns), ``fund`` (the double-entry ledger every movement of
money goes through), ``moves`` (the effects of the workflows' moves), ``imports``
(an existing register spreadsheet) and ``checks`` (permission and amount checks).

Every function works in the tenant in scope, inside the caller's transaction (the
caller commits). Bad input raises :class:`marshmallow.ValidationError` naming the field,
before anything is written; workflow and fund refusals raise
:class:`core.workflow.WorkflowError`."""
