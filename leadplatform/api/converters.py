"""URL converters. Ids are bounded so a huge number is a 404, not a database overflow (a 500)."""


class ObjectIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
