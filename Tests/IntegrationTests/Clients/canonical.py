"""Turns driver results into plain JSON values, so the same suite run directly and through pglens
can be compared byte for byte."""
import datetime
import decimal
import uuid


def canon(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, decimal.Decimal):
        return {"numeric": str(value)}
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"interval": str(value)}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, dict):
        return {k: canon(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if hasattr(value, "values") and callable(value.values):
        # A driver's row type (asyncpg.Record): its values in column order.
        return [canon(v) for v in value.values()]
    return value
