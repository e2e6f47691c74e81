"""Free-text questions: find the folder chapter and the sentences that answer them.

Pure core: imports nothing from Telegram and never logs or stores question text.
"""

from bot.search.index import Hit, SearchIndex, SearchResult
from bot.search.smalltalk import classify_smalltalk
from bot.search.vocab import SearchVocabulary, load_search_vocabulary

__all__ = [
    "Hit",
    "SearchIndex",
    "SearchResult",
    "SearchVocabulary",
    "classify_smalltalk",
    "load_search_vocabulary",
]
