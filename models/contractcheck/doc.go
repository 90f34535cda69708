// Package contractcheck compares what a data contract (ODCS v3) promises
// about a table with what the database holds, and measures the contract's
// data quality rules.
//
// It is pure: no database, no I/O, no meshport imports (models imports it),
// so it is cheap to test and to run on thousands of contracts. It has its
// own small input types (Expected, Actual, Rule, Table) and leaves running
// queries to jobs/connectors (RunChecks).
//
// # Drift
//
// Compare matches a contract's properties to a table's columns:
//
//   - Names follow the database's rules. PostgreSQL names are
//     case-sensitive as the crawler reports them (a quoted "CustomerID" and
//     customerid are two columns), so only the exact name matches; a name
//     that differs only in case is still missing, and the drift says so.
//     MySQL/MariaDB column names are case-insensitive, and SQLite's are too
//     (for ASCII letters, as SQLite folds them): an exact match first, then
//     one that differs in case.
//   - Types: a property with physicalType is compared with the column's type
//     normalised per dialect (see types.go); a property with only a
//     logicalType is compared by ODCS logical type family (LogicalType).
//     A column whose type has no family is listed as unchecked, not as drift.
//   - A required property whose column allows NULL is drift; a column whose
//     nullability is unknown (nil) is not.
//   - Columns the contract does not name are information, not drift.
//
// # Quality
//
// BuildQuery turns one ODCS quality rule (library metrics nullValues,
// missingValues, invalidValues, duplicateValues, rowCount, or a sql query)
// into one SELECT with bind arguments and quoted identifiers;
// CheckReadOnlyQuery refuses any sql rule that is not a single read-only
// SELECT; Judge compares the measured value with the rule's operator.
//
// Imports: nothing of meshport; models and jobs/connectors import it.
package contractcheck
