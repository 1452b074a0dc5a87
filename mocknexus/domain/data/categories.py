"""MX's default transaction categories: its top-level categories and the subcategories whose guids MX's
public material shows, with MX's guids and names.

Sources: the names of the 21 top-level categories are docs.mx.com's (Platform API reference, categories);
guids: MX's OpenAPI document (Auto & Transport, Paycheck) and public integrations that list MX's default
categories with their guids (a budgets payload and category tables of MX PFM clients). A category whose
guid no public source shows (e.g. Groceries, Restaurants, Taxes, Uncategorized) is left out rather than
given an invented guid: a transaction of that kind carries its top-level category instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    guid: str
    name: str
    parent_guid: str | None = None
    is_income: bool = False

    @property
    def top_level_guid(self) -> str:
        return self.parent_guid or self.guid


AUTO = "CAT-7829f71c-2e8c-afa5-2f55-fa3634b89874"
BILLS = "CAT-79b02f2f-2adc-88f0-ac2b-4e71ead9cfc8"
BUSINESS = "CAT-94b11142-e97b-941a-f67f-6e18d246a23f"
EDUCATION = "CAT-bf5c9cca-c96b-b50d-440d-38d9adfda5b0"
ENTERTAINMENT = "CAT-e04e9d1e-e041-c315-2e50-094143ab3f73"
FEES = "CAT-d73ee74b-13a4-ac3e-4015-fc4ba9a62b2a"
FINANCIAL = "CAT-6c7de3f8-de6c-7061-1dd2-b093044014bf"
FOOD = "CAT-bd56d35a-a9a7-6e10-66c1-5b9cc1b6c81a"
GIFTS = "CAT-8edf9663-623e-4735-490e-31288f0a70b0"
HEALTH = "CAT-52fa4693-c088-afb2-2a99-7bc39bb23a0f"
HOME = "CAT-b709172b-4eb7-318e-3b5d-e0f0500b32ac"
INCOME = "CAT-bf9f3294-4c40-1677-d269-54fbc189faf3"
INVESTMENTS = "CAT-ccd42390-9e8c-3fb6-a5d9-6c31182d9c5c"
KIDS = "CAT-0cb1d99d-f558-99e3-2282-b31f359b411a"
PERSONAL_CARE = "CAT-e5154228-fe45-790d-a280-f6bf5ae5ac9f"
PETS = "CAT-7cccbafa-87d7-c9a6-661b-8b3402fe9e78"
SHOPPING = "CAT-aad51b46-d6f7-3da5-fd6e-492328b3023f"
TRANSFER = "CAT-bce48142-fea4-ff45-20d9-0a642d44de83"
TRAVEL = "CAT-ea23d844-cbd1-eb10-f6ac-0df9610e59ae"

AUTO_INSURANCE = "CAT-de7c2dc7-90e6-85a2-6509-5ec10942e887"
AUTO_PAYMENT = "CAT-cb93691a-684d-b326-4c32-f8abaecfde90"
GAS = "CAT-b6d63a19-30a7-e852-2703-bdfb4072289e"
PARKING = "CAT-726da718-d572-1e4d-7c3f-0b8b5370fe71"
PUBLIC_TRANSPORTATION = "CAT-19e6ec13-83ed-5511-7f75-3688d3f97a8e"
SERVICE_PARTS = "CAT-67a20fb1-1a61-dc27-3fff-f28fa904025f"
INTERNET = "CAT-78d29c63-54db-197d-9851-feeb94cf6e10"
MOBILE_PHONE = "CAT-b4789667-6acc-a112-975e-15746003ed61"
TELEVISION = "CAT-b316e683-c898-6497-a476-6bc48d12e51d"
UTILITIES = "CAT-56a2979d-d6df-25da-f357-06282f08208e"
STUDENT_LOAN = "CAT-2ce4972e-5620-57be-8475-d084edf88888"
HOME_IMPROVEMENT = "CAT-ddc9b8e0-a9a1-e31e-a467-2c33e553afd9"
HOME_SUPPLIES = "CAT-e671e3a1-b7cb-f0a9-ac6e-bc4632245c31"
DENTIST = "CAT-ee48b740-c981-778b-3c02-04540dec0262"
PAYCHECK = "CAT-982ea9e6-3f0e-0c5b-611b-6657a10ba819"

_TOP = (
    (AUTO, "Auto & Transport"),
    (BILLS, "Bills & Utilities"),
    (BUSINESS, "Business Services"),
    (EDUCATION, "Education"),
    (ENTERTAINMENT, "Entertainment"),
    (FEES, "Fees & Charges"),
    (FINANCIAL, "Financial"),
    (FOOD, "Food & Dining"),
    (GIFTS, "Gifts & Donations"),
    (HEALTH, "Health & Fitness"),
    (HOME, "Home"),
    (INCOME, "Income"),
    (INVESTMENTS, "Investments"),
    (KIDS, "Kids"),
    (PERSONAL_CARE, "Personal Care"),
    (PETS, "Pets"),
    (SHOPPING, "Shopping"),
    (TRANSFER, "Transfer"),
    (TRAVEL, "Travel"),
)
_SUB = (
    (AUTO_INSURANCE, "Auto Insurance", AUTO),
    (AUTO_PAYMENT, "Auto Payment", AUTO),
    (GAS, "Gas", AUTO),
    (PARKING, "Parking", AUTO),
    (PUBLIC_TRANSPORTATION, "Public Transportation", AUTO),
    (SERVICE_PARTS, "Service & Parts", AUTO),
    ("CAT-e7c5ebc7-f73d-955a-db06-3724bbcf6faa", "Domain Names", BILLS),
    ("CAT-5f7f2084-6f8a-d927-6fa7-8e699912432a", "Fraud Protection", BILLS),
    ("CAT-60d81dd3-8ac1-a6fb-b181-b736dbb42be3", "Home Phone", BILLS),
    ("CAT-b74fdd98-4391-8015-eafa-e9ca0fad3bee", "Hosting", BILLS),
    (INTERNET, "Internet", BILLS),
    (MOBILE_PHONE, "Mobile Phone", BILLS),
    (TELEVISION, "Television", BILLS),
    (UTILITIES, "Utilities", BILLS),
    ("CAT-e6682ebe-f239-c654-8233-0970b94cc162", "Advertising", BUSINESS),
    ("CAT-13c1e57c-3749-41b4-3bc4-b1b334adab85", "Legal", BUSINESS),
    ("CAT-97a2b899-5a32-4196-b87c-a8e65d8a9849", "Office Supplies", BUSINESS),
    ("CAT-3b09fb0b-3296-c76c-2bbd-a2bce0012d83", "Printing", BUSINESS),
    ("CAT-748efd05-e27a-5c79-1217-681a0ec5cc67", "Shipping", BUSINESS),
    ("CAT-167d816f-c68e-9988-e064-173dc6417a90", "Books & Supplies", EDUCATION),
    (STUDENT_LOAN, "Student Loan", EDUCATION),
    (DENTIST, "Dentist", HEALTH),
    (HOME_IMPROVEMENT, "Home Improvement", HOME),
    (HOME_SUPPLIES, "Home Supplies", HOME),
    (PAYCHECK, "Paycheck", INCOME),
)

CATEGORIES: tuple[Category, ...] = (
    *(Category(guid, name, None, guid == INCOME) for guid, name in _TOP),
    *(Category(guid, name, parent, parent == INCOME) for guid, name, parent in _SUB),
)
BY_GUID: dict[str, Category] = {c.guid: c for c in CATEGORIES}


def get(guid: str) -> Category | None:
    return BY_GUID.get(guid)


def top_level_guids() -> frozenset[str]:
    return frozenset(c.guid for c in CATEGORIES if c.parent_guid is None)
