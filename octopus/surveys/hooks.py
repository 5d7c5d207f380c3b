"""What other apps may hear from `surveys`, without `surveys` knowing of them (octopus.lib.hooks).

`response_submitted` runs in `services.submit_response` inside its transaction, after the new revision is created,
with `response`, `revision` and `user`. A function may refuse the submission by raising
`services.AnswersInvalid({question code: message})` (shown next to the questions) or `DomainError` (shown on top):
the transaction rolls back, so nothing is saved and the response stays as it was (a draft).
"""

from octopus.lib.hooks import Hook

response_submitted = Hook("surveys.response_submitted")  # response=, revision=, user=
