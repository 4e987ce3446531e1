"""Alembic environment: runs on the connection handed over by api.core.db.migrate, or DATABASE_URL."""

from alembic import context
from sqlalchemy import Connection

from api.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from api.core.db import make_engine
    from api.core.settings import get_settings

    engine = make_engine(get_settings().database_url)
    with engine.begin() as conn:
        run(conn)
