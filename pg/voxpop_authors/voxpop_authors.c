/*
 * author_keys_count(int4[]): the number of distinct keys over every array of a group.
 *
 * A region's distinct authors over a period are the distinct author keys of its daily rollups.
 * Built from SQL (array_cat, then intarray's sort and uniq), the sort with its comparison
 * callback took most of a choropleth's time in the database. Here the keys are appended to one
 * growing buffer and sorted by a radix sort, with no comparison at all.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

PG_MODULE_MAGIC;

typedef struct KeyBuffer
{
	uint32	   *keys;
	int64		count;
	int64		capacity;
} KeyBuffer;

PG_FUNCTION_INFO_V1(author_keys_count_add);
PG_FUNCTION_INFO_V1(author_keys_count_final);

Datum
author_keys_count_add(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	KeyBuffer  *buffer;
	ArrayType  *keys;
	int			added;
	const int32 *values;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "author_keys_count_add called in a non-aggregate context");

	if (PG_ARGISNULL(0))
	{
		buffer = MemoryContextAllocZero(aggcontext, sizeof(KeyBuffer));
		buffer->capacity = 256;
		buffer->keys = MemoryContextAlloc(aggcontext, buffer->capacity * sizeof(uint32));
	}
	else
		buffer = (KeyBuffer *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(buffer);

	keys = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_ELEMTYPE(keys) != INT4OID)
		elog(ERROR, "author_keys_count takes integer arrays");
	if (ARR_HASNULL(keys))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("author keys must not contain nulls")));

	added = ArrayGetNItems(ARR_NDIM(keys), ARR_DIMS(keys));
	if (buffer->count + added > buffer->capacity)
	{
		int64		capacity = buffer->capacity;

		while (capacity < buffer->count + added)
			capacity *= 2;
		buffer->keys = repalloc_huge(buffer->keys, capacity * sizeof(uint32));
		buffer->capacity = capacity;
	}
	values = (const int32 *) ARR_DATA_PTR(keys);
	/* Flipping the sign bit orders signed keys as unsigned ones, for the radix sort. */
	for (int i = 0; i < added; i++)
		buffer->keys[buffer->count + i] = ((uint32) values[i]) ^ 0x80000000u;
	buffer->count += added;

	PG_RETURN_POINTER(buffer);
}

/*
 * The keys in order, least significant byte first, a byte that every key shares skipped. The
 * group's buffer is only read (a final function must leave its state as it found it): the
 * passes go between two scratch arrays, and the answer is whichever holds the last one.
 */
static const uint32 *
radix_sorted(const uint32 *keys, int64 count)
{
	const uint32 *source = keys;
	uint32	   *buffers[2];
	int			next = 0;

	buffers[0] = palloc_extended(count * sizeof(uint32), MCXT_ALLOC_HUGE);
	buffers[1] = palloc_extended(count * sizeof(uint32), MCXT_ALLOC_HUGE);
	for (int shift = 0; shift < 32; shift += 8)
	{
		int64		offsets[256] = {0};
		int64		position = 0;
		uint32	   *target = buffers[next];

		for (int64 i = 0; i < count; i++)
			offsets[(source[i] >> shift) & 0xFF]++;
		if (offsets[(source[0] >> shift) & 0xFF] == count)
			continue;
		for (int digit = 0; digit < 256; digit++)
		{
			int64		size = offsets[digit];

			offsets[digit] = position;
			position += size;
		}
		for (int64 i = 0; i < count; i++)
			target[offsets[(source[i] >> shift) & 0xFF]++] = source[i];
		source = target;
		next = 1 - next;
	}
	return source;
}

Datum
author_keys_count_final(PG_FUNCTION_ARGS)
{
	KeyBuffer  *buffer;
	const uint32 *sorted;
	int64		distinct;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);
	buffer = (KeyBuffer *) PG_GETARG_POINTER(0);
	if (buffer->count == 0)
		PG_RETURN_INT64(0);

	sorted = radix_sorted(buffer->keys, buffer->count);
	distinct = 1;
	for (int64 i = 1; i < buffer->count; i++)
		distinct += sorted[i] != sorted[i - 1];
	PG_RETURN_INT64(distinct);
}
