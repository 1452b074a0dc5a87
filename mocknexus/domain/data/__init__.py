"""The data plane: what a connected member's accounts hold, and how the emulated clock moves it.

Pure Python (no Flask). Accounts of MX's types get a ledger (`records`); their transactions are generated
lazily per account and day from the seed (`generate`), so a world that never reads them pays nothing and
100 000 of them page fast; an aggregation (a job, or MX's daily background one) decides which of them the
partner sees and which are still pending (`visibility`); holdings and monthly statements (real PDFs) come
from the same ledger (`holdings`, `statements`). `ops.DataOperations` is the emulator's side of it.
"""
