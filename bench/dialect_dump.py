"""Response dumping per MX dialect: fastdump's plan against marshmallow's own dump, for the hot responses.

    python bench/dialect_dump.py            # a few seconds; prints microseconds per dump

The dialects are derived views of one set of schemas (mocknexus/schemas/dialects.py); this shows that
deriving them costs nothing per response (each view is planned once) and that g21/v1, with fewer keys,
dump no slower than union.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mocknexus.apis.nexus.schemas import accounts as account_schemas
from mocknexus.apis.nexus.schemas import connecting as nexus
from mocknexus.apis.nexus.views import static_members
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.schemas.dialects import DIALECTS, view
from mocknexus.schemas.fastdump import dumper


def main() -> None:
    app = create_app(Config(seed=7))
    with app.test_request_context():  # the emulator is the calling world's: the shared one here
        static = static_members()
    session = static.session
    user_guid = session.user_guid
    member = static.read_member(user_guid, "test_nexus_member")
    samples = {
        "member": (nexus.MemberResponse(), {"member": member}),
        "account_numbers": (
            account_schemas.AccountNumberListResponse(),
            {"account_numbers": static.list_accounts(user_guid)},
        ),
        "credentials": (
            nexus.CredentialListResponse(),
            {"credentials": static.read_institution(member.institution_guid).credentials},
        ),
    }
    print(f"{'response':<18}{'dialect':<8}{'fastdump µs':>13}{'marshmallow µs':>16}")
    for name, (schema, obj) in samples.items():
        for dialect in DIALECTS:
            viewed = view(schema, dialect)
            fast, slow = dumper(viewed), viewed.dump
            assert fast(obj) == slow(obj)
            n = 2000
            fast_us = min(timeit.repeat(lambda: fast(obj), number=n, repeat=5)) / n * 1e6  # noqa: B023
            slow_us = min(timeit.repeat(lambda: slow(obj), number=n, repeat=5)) / n * 1e6  # noqa: B023
            print(f"{name:<18}{dialect:<8}{fast_us:>13.1f}{slow_us:>16.1f}")


if __name__ == "__main__":
    main()
