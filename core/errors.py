"""Domain errors raised by services; the API and pages turn them into clear 4xx answers."""


class DomainError(Exception):
    """A business rule refused the operation. `field` names the input at fault, if one is."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message, *, field=None, code=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def as_dict(self):
        body = {"detail": str(self.message), "code": self.code}
        if self.field:
            body["errors"] = {self.field: [str(self.message)]}
        return body


class InvalidInput(DomainError):
    status_code = 400
    default_code = "invalid"


class Conflict(DomainError):
    """The operation does not fit the current state (an illegal transition, a duplicate)."""

    status_code = 409
    default_code = "conflict"


class Unprocessable(DomainError):
    status_code = 422
    default_code = "unprocessable"
