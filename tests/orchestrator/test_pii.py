import pytest

from orchestrator.pii import find_pii, luhn_valid, redact


def kinds(text: str) -> list[tuple[str, str]]:
    return [(span.kind, text[span.start : span.end]) for span in find_pii(text)]


@pytest.mark.parametrize(
    "number", ["4242424242424242", "4111111111111111", "5555555555554444", "378282246310005"]
)
def test_luhn_accepts_real_test_card_numbers(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "12ab", ""])
def test_luhn_rejects_wrong_check_digits_and_non_digits(number):
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "text, found",
    [
        ("card 4242 4242 4242 4242 exp 12/27", "4242 4242 4242 4242"),
        ("amex 3782-822463-10005 please", "3782-822463-10005"),
        ("number:4111111111111111.", "4111111111111111"),
    ],
)
def test_card_numbers_with_spaces_or_dashes_are_found(text, found):
    assert kinds(text) == [("card", found)]


@pytest.mark.parametrize(
    "text",
    [
        "card 4242 4242 4242 4241",  # fails Luhn
        "order 123456789012345 placed 2024-05-06",
        "ticket T-000042 and invoice INV-2024-000123",
        "serial 0000 0000 0000 0000",
    ],
)
def test_digit_runs_that_are_not_cards_are_left_alone(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text, found",
    [
        ("call me at (415) 555-0132 today", "(415) 555-0132"),
        ("my cell is 415-555-0132", "415-555-0132"),
        ("phone: +44 20 7946 0958", "+44 20 7946 0958"),
        ("reach me on +1-415-555-0132", "+1-415-555-0132"),
        ("call me on 4155550132", "4155550132"),
        ("my number is 020 7946 0958", "020 7946 0958"),
    ],
)
def test_phone_numbers_in_us_and_international_formats_are_found(text, found):
    assert kinds(text) == [("phone", found)]


@pytest.mark.parametrize(
    "text",
    [
        "order number 4155550132 never arrived",
        "the export on 2024-05-06 at 10:30 failed",
        "version 1.2.3.4 of the desktop app",
        "we have 12,000 tasks and 400 users",
        "Invoice INV-10234567 dated 12/05/2024 for $1,234.56",
    ],
)
def test_order_numbers_dates_and_amounts_are_not_phones(text):
    assert kinds(text) == []


def test_emails_are_found_and_everything_is_redacted_in_place():
    text = "I'm jane.doe+work@acme.co.uk, card 4242-4242-4242-4242, call (415) 555-0132."
    assert [kind for kind, _ in kinds(text)] == ["email", "card", "phone"]
    assert redact(text) == "I'm [email], card [card], call [phone]."


def test_text_without_personal_data_is_unchanged():
    text = "How do I export a project to CSV?"
    assert find_pii(text) == [] and redact(text) == text
