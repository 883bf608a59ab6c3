"""What the registry's pages share."""

PAGE_SIZE = 20


def split_relations(data: dict) -> tuple[dict, list, list]:
    data = dict(data)
    return data, list(data.pop("municipalities", [])), list(data.pop("service_categories", []))
