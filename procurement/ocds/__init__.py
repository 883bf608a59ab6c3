"""Open Contracting Data Standard (OCDS 1.1) for tenders: releases, their package, and records compiled from them.

`mapping` turns a tender as it stands into one release; `services.ocds` stores a release at each change of a
tender (publication, amendment, award, cancellation); `packages` writes the release package of every stored release
and the record of one process, compiled the way OCP's ocdskit compiles it (with ocdsmerge).
"""

# The extensions this data uses, from the extension registry, each pinned to an immutable version: a tag where the
# extension's repository publishes one (lots, enquiry), otherwise the commit the registry's branch pointed to when
# we checked the data against it (legalBasis's "1.1" branch; otherRequirements and contractTerms, which have only
# "master"). A branch name would let the schema change under data already published.
EXTENSION_VERSIONS = {
    "lots": "v1.1.5",
    "enquiries": "v1.1.5",
    "legalBasis": "b8cad008a33695661bba0eb3fb41b74c603e6941",
    "otherRequirements": "143e56e3166073b5d317826a745e46b9889e379b",
    "contractTerms": "316ea6708268b0efa7fe8fc2273c891107ac90ce",
}
_REPOSITORIES = {
    "lots": "ocds_lots_extension",
    "enquiries": "ocds_enquiry_extension",
    "legalBasis": "ocds_legalBasis_extension",
    "otherRequirements": "ocds_otherRequirements_extension",
    "contractTerms": "ocds_contractTerms_extension",
}
EXTENSIONS = [
    f"https://raw.githubusercontent.com/open-contracting-extensions/{_REPOSITORIES[name]}/{version}/extension.json"
    for name, version in EXTENSION_VERSIONS.items()
]
OCDS_VERSION = "1.1"
