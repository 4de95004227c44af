import Testing

/// Input → expected normalized text, one rule per group.
enum NormalizerFixtures {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let expected: String
        var testDescription: String { input }
    }

    static let cases: [Case] = [
        // Keyword case and white space folding.
        Case(input: "SELECT 1", expected: "select $1"),
        Case(input: "select\n\t*  from   users", expected: "select * from users"),
        Case(input: "SeLeCt Name FROM Users", expected: "select name from users"),
        Case(input: "  SELECT a,b ,c FROM t  ", expected: "select a, b, c from t"),
        Case(input: "select count(*) from t", expected: "select count(*) from t"),
        Case(input: "select count ( * ) from t", expected: "select count(*) from t"),
        Case(input: "select t.a from s.t", expected: "select t.a from s.t"),
        Case(input: "SELECT 1;", expected: "select $1"),
        Case(input: "SELECT 1 ; ;", expected: "select $1"),
        Case(input: "select a from t where (a > 1)", expected: "select a from t where (a > $1)"),
        // Quoted identifiers kept as written.
        Case(input: "SELECT \"Name\" FROM \"Users\"", expected: "select \"Name\" from \"Users\""),
        Case(input: "select \"a\"\"b\" from t", expected: "select \"a\"\"b\" from t"),
        Case(input: "select U&\"d\\0061t\" from t", expected: "select U&\"d\\0061t\" from t"),
        Case(input: "select \"Count\"(x) from t", expected: "select \"Count\"(x) from t"),
        // String constants.
        Case(input: "select * from t where name = 'bob'", expected: "select * from t where name = $1"),
        Case(input: "select 'it''s'", expected: "select $1"),
        Case(input: "select E'a\\'b' || 'c'", expected: "select $1 || $2"),
        Case(input: "select e'\\n'", expected: "select $1"),
        Case(input: "select U&'d\\0061t'", expected: "select $1"),
        Case(input: "select u&'x' UESCAPE '!'", expected: "select $1 uescape $2"),
        Case(input: "select N'national'", expected: "select $1"),
        Case(input: "select B'1010', X'1F'", expected: "select $1, $2"),
        Case(input: "select b'1' | x'0f'", expected: "select $1 | $2"),
        Case(input: "select 'foo'\n'bar'", expected: "select $1"),
        Case(input: "select ''", expected: "select $1"),
        // Dollar quoting.
        Case(input: "select $$it's$$", expected: "select $1"),
        Case(input: "select $tag$a $$ b$tag$", expected: "select $1"),
        Case(input: "select $a$x$a$, $b$y$b$", expected: "select $1, $2"),
        Case(input: "select $1, $$x$$", expected: "select $1, $2"),
        Case(input: "select $q$ 'quoted' -- not a comment $q$", expected: "select $1"),
        Case(input: "select foo$bar from t", expected: "select foo$bar from t"),
        // Numbers in every form.
        Case(input: "select 42", expected: "select $1"),
        Case(input: "select 1.5e-3", expected: "select $1"),
        Case(input: "select .5", expected: "select $1"),
        Case(input: "select 5.", expected: "select $1"),
        Case(input: "select 0x1F, 0o17, 0b101", expected: "select $1, $2, $3"),
        Case(input: "select 1_000_000", expected: "select $1"),
        Case(input: "select 1e10, 2E+5", expected: "select $1, $2"),
        Case(input: "select 0X_FF", expected: "select $1"),
        Case(input: "select a[1:2] from t", expected: "select a[$1:$2] from t"),
        // Negative numbers and subtraction.
        Case(input: "select * from t where a = -5", expected: "select * from t where a = $1"),
        Case(input: "select a - 5 from t", expected: "select a - $1 from t"),
        Case(input: "select -1", expected: "select $1"),
        Case(input: "select (a)-1 from t", expected: "select (a) - $1 from t"),
        // Parameters keep their numbering; constants continue after the highest.
        Case(input: "select * from t where id = $1", expected: "select * from t where id = $1"),
        Case(input: "select * from t where a = $1 and b = 5", expected: "select * from t where a = $1 and b = $2"),
        Case(
            input: "select * from t where a = $2 and b = 'x' and c = $1",
            expected: "select * from t where a = $2 and b = $3 and c = $1"),
        Case(input: "select $10 + 1", expected: "select $10 + $11"),
        Case(input: "select * from t limit 10 offset 20", expected: "select * from t limit $1 offset $2"),
        // Casts kept.
        Case(input: "select 5::int", expected: "select $1::int"),
        Case(input: "select $1::int", expected: "select $1::int"),
        Case(input: "select '2024-01-01'::date", expected: "select $1::date"),
        Case(input: "select 'a'::varchar(10)", expected: "select $1::varchar(10)"),
        Case(input: "select 'a' :: text", expected: "select $1::text"),
        Case(input: "select 'a'::int, 5", expected: "select $1::int, $2"),
        Case(input: "select x::numeric(10, 2) + 1", expected: "select x::numeric(10, 2) + $1"),
        Case(input: "select a::text from f(1)", expected: "select a::text from f($1)"),
        Case(
            input: "select now()::timestamp with time zone, 3", expected: "select now()::timestamp with time zone, $1"),
        Case(input: "select 1::pg_catalog.int4", expected: "select $1::pg_catalog.int4"),
        Case(input: "select cast(5 as bigint)", expected: "select cast($1 as bigint)"),
        Case(input: "select interval '1 day'", expected: "select interval $1"),
        Case(input: "select '{1,2}'::int[]", expected: "select $1::int[]"),
        // Operators.
        Case(input: "select data->>'name' from t", expected: "select data ->> $1 from t"),
        Case(input: "select * from t where tags @> '{a}'", expected: "select * from t where tags @> $1"),
        Case(
            input: "select * from t where a<=1 and b<>2 and c!=3",
            expected: "select * from t where a <= $1 and b <> $2 and c != $3"),
        Case(input: "select a||b from t", expected: "select a || b from t"),
        Case(input: "select * from t where a=-1", expected: "select * from t where a = $1"),
        // IN lists collapse.
        Case(input: "select * from t where id in (1, 2, 3)", expected: "select * from t where id in ($1)"),
        Case(input: "select * from t where id IN (1)", expected: "select * from t where id in ($1)"),
        Case(input: "select * from t where id in ($1, $2, $3)", expected: "select * from t where id in ($1)"),
        Case(input: "select * from t where id not in ('a','b')", expected: "select * from t where id not in ($1)"),
        Case(
            input: "select * from t where id in (1, 2) and x = 3",
            expected: "select * from t where id in ($1) and x = $2"),
        Case(
            input: "select * from t where id in ($2, $3) and x = $1",
            expected: "select * from t where id in ($2) and x = $1"),
        Case(input: "select * from t where id in (-1, 2)", expected: "select * from t where id in ($1)"),
        Case(input: "select * from t where id in ('a'::text, 'b'::text)", expected: "select * from t where id in ($1)"),
        Case(
            input: "select * from t where id in (select id from s where k = 1)",
            expected: "select * from t where id in (select id from s where k = $1)"),
        Case(input: "select * from t where id in (a, b)", expected: "select * from t where id in (a, b)"),
        Case(
            input: "select * from t where (a, b) in ((1, 'x'), (2, 'y'))",
            expected: "select * from t where (a, b) in ($1)"),
        Case(
            input: "select * from t where (a, b) in (($1, $2), ($3, $4))",
            expected: "select * from t where (a, b) in ($1)"),
        Case(input: "select * from t where (a, b) in ((1, c))", expected: "select * from t where (a, b) in (($1, c))"),
        // ANY(ARRAY[...]) collapses.
        Case(input: "select * from t where id = ANY(ARRAY[1,2,3])", expected: "select * from t where id = any($1)"),
        Case(input: "select * from t where id = any (array[$1, $2])", expected: "select * from t where id = any($1)"),
        Case(
            input: "select * from t where id = any(array[1, 2]::bigint[])",
            expected: "select * from t where id = any($1)"),
        Case(input: "select * from t where id = any($1)", expected: "select * from t where id = any($1)"),
        Case(
            input: "select * from t where id = any(array[a, b])",
            expected: "select * from t where id = any(array[a, b])"),
        // Multi-row VALUES keeps its first row.
        Case(input: "insert into t (a, b) values (1, 'x')", expected: "insert into t(a, b) values ($1, $2)"),
        Case(
            input: "insert into t (a, b) values (1, 'x'), (2, 'y'), (3, 'z')",
            expected: "insert into t(a, b) values ($1, $2)"),
        Case(
            input: "insert into t values ($1, $2), ($3, $4) returning id",
            expected: "insert into t values ($1, $2) returning id"),
        Case(
            input: "insert into t values (1), (2) on conflict (id) do update set n = 0",
            expected: "insert into t values ($1) on conflict (id) do update set n = $2"),
        Case(
            input: "select * from (values (1, 'a'), (2, 'b')) as v(id, name)",
            expected: "select * from (values ($1, $2)) as v(id, name)"),
        Case(input: "insert into t values (now(), 1), (now(), 2)", expected: "insert into t values (now(), $1)"),
        // Comments dropped.
        Case(input: "select 1 -- trailing", expected: "select $1"),
        Case(input: "select /* inline */ 1", expected: "select $1"),
        Case(input: "/* outer /* nested */ still */ select 1", expected: "select $1"),
        Case(input: "select 1 /*controller='users',route='%2Fusers'*/", expected: "select $1"),
        Case(input: "select a--comment\nfrom t", expected: "select a from t"),
        Case(input: "select 1+-- comment\n2", expected: "select $1 + $2"),
        // Booleans, NULL and keywords stay.
        Case(
            input: "select * from t where a is null and b = true",
            expected: "select * from t where a is null and b = true"),
        Case(
            input: "update t set a = 1, b = default where id = 2",
            expected: "update t set a = $1, b = default where id = $2"),
        Case(input: "delete from t where id = 7", expected: "delete from t where id = $1"),
        Case(
            input: "select * from t where exists (select 1 from s)",
            expected: "select * from t where exists (select $1 from s)"),
        // Malformed input still normalizes.
        Case(input: "select 'unterminated", expected: "select $1"),
        Case(input: "select /* unterminated", expected: "select"),
        Case(input: "select \"unterminated", expected: "select \"unterminated"),
        Case(input: "select $$never closed", expected: "select $1"),
        Case(input: "", expected: ""),
    ]
}
