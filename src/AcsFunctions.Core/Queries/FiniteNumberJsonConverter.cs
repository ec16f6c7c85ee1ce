using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcsFunctions.Queries;

/// <summary>
/// Writes a number JSON cannot hold (NaN, ±infinity: a mean or sum that overflowed) as <c>null</c>, as JavaScript's
/// <c>JSON.stringify</c> does, instead of failing the answer. Without it the serializer throws mid-answer: the Functions
/// route fails the invocation, and <c>acs-diag serve</c>, which streams the answer after sending its status, cuts the
/// response short. Finite numbers are written exactly as before.
/// </summary>
public sealed class FiniteNumberJsonConverter : JsonConverter<double>
{
    /// <inheritdoc />
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
