"""What other apps may hear from `surveys`, without `surveys` knowing of them.

`response_submitted` is sent by `services.submit_response` inside its transaction, after the new revision is
created, with `response`, `revision` and `user`. A receiver may refuse the submission by raising
`services.AnswersInvalid({question code: message})` (shown next to the questions) or `DomainError` (shown on top):
the transaction rolls back, so nothing is saved and the response stays as it was (a draft). Receivers run in the
order they were connected; one that must not refuse should catch its own errors.
"""

from django.dispatch import Signal

response_submitted = Signal()  # response=, revision=, user=
