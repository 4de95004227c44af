/// EXPLAIN (VERBOSE, FORMAT JSON) answers of PostgreSQL 15 for generic plans (plan_cache_mode =
/// force_generic_plan, parameters NULL), taken on a 200 000-row `tokens` table with a 1000-row `customers`.
enum PlanFixtures {
    /// `select id from tokens where token_hash = $1 and created_at > $2 order by created_at`
    static let sequentialScanWithRangeAndSort = """
        [
         {
          "Plan": {
           "Node Type": "Sort",
           "Total Cost": 5234.82,
           "Plan Rows": 1,
           "Sort Key": [
            "tokens.created_at"
           ],
           "Plans": [
            {
             "Node Type": "Gather",
             "Total Cost": 5234.81,
             "Plan Rows": 1,
             "Plans": [
              {
               "Node Type": "Seq Scan",
               "Relation Name": "tokens",
               "Schema": "public",
               "Alias": "tokens",
               "Total Cost": 4234.71,
               "Plan Rows": 1,
               "Filter": "((tokens.created_at > $2) AND (tokens.token_hash = $1))"
              }
             ]
            }
           ]
          }
         }
        ]
        """

    /// `select id, token_hash from tokens where customer_id = $1 order by created_at desc limit $2`
    static let sequentialScanUnderLimitAndSort = """
        [
         {
          "Plan": {
           "Node Type": "Limit",
           "Total Cost": 4946.04,
           "Plan Rows": 12,
           "Plans": [
            {
             "Node Type": "Gather Merge",
             "Total Cost": 4958.23,
             "Plan Rows": 118,
             "Plans": [
              {
               "Node Type": "Sort",
               "Total Cost": 3944.94,
               "Plan Rows": 118,
               "Sort Key": [
                "tokens.created_at DESC"
               ],
               "Plans": [
                {
                 "Node Type": "Seq Scan",
                 "Relation Name": "tokens",
                 "Schema": "public",
                 "Alias": "tokens",
                 "Total Cost": 3940.59,
                 "Plan Rows": 118,
                 "Filter": "(tokens.customer_id = $1)"
                }
               ]
              }
             ]
            }
           ]
          }
         }
        ]
        """

    /// `select id from customers where id = $1`
    static let primaryKeyLookup = """
        [
         {
          "Plan": {
           "Node Type": "Index Only Scan",
           "Index Name": "customers_pkey",
           "Relation Name": "customers",
           "Schema": "public",
           "Alias": "customers",
           "Total Cost": 8.29,
           "Plan Rows": 1,
           "Index Cond": "(customers.id = $1)"
          }
         }
        ]
        """
}
