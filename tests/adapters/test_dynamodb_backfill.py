"""A deployment from before the listing indexes: `aws bootstrap` adds the indexes and backfills its entries."""

from booklib.adapters.dynamodb.items import book_item, user_book_item
from booklib.adapters.dynamodb.tables import DynamoTablesProvisioner, table_definitions
from booklib.domain.model import ListQuery, ReadingStatus, Sort
from tests.contract.builders import a_book, a_user, an_entry
from tests.support.backends import dynamodb_storage_on
from tests.support.dynamodb import client_for, moto_in_process, unique_table_names

OLD_INDEXES = {"user-index", "user-book-index", "pending-index"}


def test_bootstrap_adds_the_indexes_and_gives_old_entries_their_listing_keys():
    with moto_in_process():
        client = client_for(None)
        names = unique_table_names()
        for definition in table_definitions(names):  # the tables as the previous booklib made them
            if definition["TableName"] == names.user_books:
                definition["GlobalSecondaryIndexes"] = [
                    i for i in definition["GlobalSecondaryIndexes"] if i["IndexName"] in OLD_INDEXES]
                used = {k["AttributeName"] for i in definition["GlobalSecondaryIndexes"] for k in i["KeySchema"]}
                definition["AttributeDefinitions"] = [
                    a for a in definition["AttributeDefinitions"] if a["AttributeName"] in used | {"user_book_id"}]
            client.create_table(**definition)
        storage = dynamodb_storage_on(client, names)
        reader = a_user("old")
        storage.users.add(reader)
        entries = []
        for title, tags in (("Book 10", ("Fantasy",)), ("book 2", ()), ("Apple", ("fantasy", "owned"))):
            book = a_book(None, title=title, author="Old Author")
            entry = an_entry(reader, book, minutes=len(entries), tags=tags, status=ReadingStatus.READ, rating=3)
            client.put_item(TableName=names.books, Item=book_item(book))
            client.put_item(TableName=names.user_books, Item=user_book_item(entry))  # as written before: no keys
            entries.append(entry)

        lines = DynamoTablesProvisioner(client, names).ensure()
        assert any("gained index(es)" in line and "user-title-index" in line for line in lines)
        assert "Backfilled the listing keys of 3 entries" in lines[-1]

        titles = lambda query: [e.value("title") for e in storage.user_books.list_entries(reader.id, query).items]
        assert titles(ListQuery(sort=Sort.TITLE)) == ["Apple", "book 2", "Book 10"]
        assert titles(ListQuery(tag="fantasy")) == ["Apple", "Book 10"]
        assert titles(ListQuery(q="BOOK")) == ["book 2", "Book 10"]
        assert sorted(titles(ListQuery(status=ReadingStatus.READ, sort=Sort.RATING))) == ["Apple", "Book 10", "book 2"]
        assert storage.user_books.get(entries[0].id).version == entries[0].version + 1

        again = DynamoTablesProvisioner(client, names).ensure()
        assert "backfilled before" in again[-1]
