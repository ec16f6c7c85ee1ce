using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>One entity to upsert into a logical table.</summary>
/// <param name="Table">Logical table name (see <see cref="TableNames"/>).</param>
/// <param name="Entity">The entity.</param>
public readonly record struct TableWrite(string Table, TableEntity Entity);

/// <summary>An entity the service rejected for a non-transient reason (it is dead-lettered by the caller).</summary>
/// <param name="Write">The rejected write.</param>
/// <param name="Error">The service's answer.</param>
public readonly record struct RejectedWrite(TableWrite Write, string Error);
