from telegram.error import BadRequest, Forbidden

from handlers.errors import harmless


def test_a_late_callback_answer_is_not_worth_an_apology() -> None:
    late = BadRequest("Bad Request: query is too old and response timeout expired or query ID "
                      "is invalid")
    assert harmless(late)
    assert not harmless(BadRequest("Bad Request: message is too long"))
    assert not harmless(Forbidden("Forbidden: bot was blocked by the user"))
    assert not harmless(None)
