"""booklib's own CSV export: Goodreads' column layout plus four booklib columns.

GET /api/v1/export.csv writes Goodreads' columns (so Goodreads, StoryGraph, BookWyrm and BookLogr import it)
followed by the columns of BOOKLIB_EXTRA_COLUMNS, which carry what Goodreads' columns cannot. `read_import`
reads such a file back as source "booklib": a header with Goodreads' Title, Author and Exclusive Shelf plus
any one of these columns. Header names are the keys below, matched like every other column (case, spaces,
'_' and '-' do not matter; position never does).

The booklib columns
-------------------
booklib Status   to-read | reading | read | did-not-finish
booklib Rating   empty (no rating), or 0.5 to 5 in half steps with a '.' decimal: "4", "4.5".
booklib Reads    every read-through, oldest first, each "START..FINISH", joined by "; ". Dates are
                 YYYY-MM-DD; a side is empty when unknown:
                     "2021-08-01..2021-08-20; ..2022-02-03; 2024-05-01.."
                 "" = no read-throughs; ".." = one read-through with both days unknown.
booklib Tags     the tags joined by ", ": "favourites, sci-fi". A tag cannot contain a comma here
                 (model.parse_tags splits a string on commas, but lets a list item hold one: such
                 a tag would come back as two).

The Goodreads columns, as they are read back (so what the exporter writes in them)
---------------------------------------------------------------------------------
Title, Author            text (title and author cut at model.FIELD_LIMITS, 500).
ISBN13, ISBN             ="9780…" / ="0…" (the ="…" wrapper keeps spreadsheets from eating the digits;
                         plain digits read too); ISBN13 is preferred, ISBN-10 converted; ="" = none.
Exclusive Shelf          read | currently-reading | to-read | did-not-finish. Goodreads has no
                         did-not-finish; as a custom shelf it is read back as did-not-finish.
Bookshelves              the tags joined by ", " (the exclusive shelf is not repeated as a tag).
My Rating                a whole number 1..5, 0 = not rated (Goodreads has no half stars).
Date Read                the latest finish, YYYY/MM/DD.
Date Added               YYYY/MM/DD.
My Review, Private Notes text; newlines, or Goodreads' "<br/>", come back as newlines; cut at 20000.
Number of Pages          a whole number, 0 or empty = unknown.
Any other Goodreads column (Book Id, Read Count, Average Rating, …) is written as the exporter sees fit
and not read.

Which wins
----------
A non-empty booklib cell wins over the Goodreads column of the same meaning (booklib Status over Exclusive
Shelf, booklib Rating over My Rating, booklib Reads over Date Read, booklib Tags over Bookshelves). An empty
booklib cell falls back to that Goodreads column, so rows a person adds in a spreadsheet, filling only
Goodreads' columns, still read. A booklib cell that cannot be read is noted in the row's warnings and the
Goodreads column is used instead.
"""

BOOKLIB_EXTRA_COLUMNS = {
    "booklib Status": "to-read | reading | read | did-not-finish",
    "booklib Rating": "empty, or 0.5 to 5 in half steps with a '.' decimal: 4, 4.5",
    "booklib Reads": "read-throughs oldest first, 'START..FINISH' joined by '; ', dates YYYY-MM-DD, a side empty "
    "when unknown: '2021-08-01..2021-08-20; ..2022-02-03; 2024-05-01..'",
    "booklib Tags": "the tags joined by ', ': 'favourites, sci-fi'",
}
