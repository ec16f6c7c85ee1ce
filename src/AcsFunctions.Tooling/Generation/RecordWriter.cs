using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AcsFunctions.Generation;

/// <summary>
/// Writes one synthetic record as compact JSON, with the field-type variations real streams show: numbers as
/// JSON numbers or numeric strings, absent values as a missing field, <c>null</c> or <c>"null"</c>, field
/// names in camel, Pascal or lower case, and times with 7, 3 or no fractional digits. The variation is drawn
/// once per record, so a record's bytes are fixed when it is written.
/// </summary>
internal sealed class RecordWriter : IDisposable
{
    private static readonly JsonWriterOptions _options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer = new(8 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly DeterministicRandom _random;
    private KeyCase _topCase;
    private KeyCase _propertiesCase;
    private double _stringNumberShare;
    private int _timeStyle;
    private bool _inProperties;

    public RecordWriter(DeterministicRandom random)
    {
        _random = random;
        _json = new Utf8JsonWriter(_buffer, _options);
    }

    /// <summary>
    /// Starts a record with the envelope every category has. <paramref name="propertiesCase"/> is the family's
    /// usual spelling of property names; a few records use another one.
    /// </summary>
    public void Begin(Envelope envelope, KeyCase propertiesCase, double stringNumberShare)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _inProperties = false;
        _topCase = _random.NextDouble() switch
        {
            < 0.985 => KeyCase.Camel,
            < 0.995 => KeyCase.Pascal,
            _ => KeyCase.Lower,
        };
        _propertiesCase = _random.Chance(0.04) ? (propertiesCase == KeyCase.Camel ? KeyCase.Pascal : KeyCase.Camel) : propertiesCase;
        if (_random.Chance(0.01))
        {
            _propertiesCase = KeyCase.Lower;
        }

        _stringNumberShare = stringNumberShare;
        _timeStyle = _random.NextDouble() switch
        {
            < 0.5 => 0,
            < 0.9 => 1,
            _ => 2,
        };

        _json.WriteStartObject();
        _json.WriteString(Key("time"), FormatTime(envelope.Time, _timeStyle));
        _json.WriteString(_random.Chance(0.02) ? "resourceid" : Key("resourceId"), envelope.ResourceId);
        if (envelope.CorrelationId is not null)
        {
            _json.WriteString(Key("correlationId"), envelope.CorrelationId);
        }

        _json.WriteString(Key("operationName"), envelope.OperationName);
        if (envelope.OperationVersion is not null)
        {
            _json.WriteString(Key("operationVersion"), envelope.OperationVersion);
        }

        _json.WriteString(Key("category"), envelope.Category);
    }

    /// <summary>Opens the <c>properties</c> object.</summary>
    public void BeginProperties()
    {
        _json.WritePropertyName(Key("properties"));
        _json.WriteStartObject();
        _inProperties = true;
    }

    /// <summary>Closes the <c>properties</c> object.</summary>
    public void EndProperties()
    {
        _json.WriteEndObject();
        _inProperties = false;
    }

    /// <summary>Finishes the record and returns its bytes.</summary>
    public byte[] Finish()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>The underlying writer (for arrays and nested objects).</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>A field name in the record's spelling.</summary>
    public string Key(string camel)
    {
        var style = _inProperties ? _propertiesCase : _topCase;
        return style switch
        {
            KeyCase.Pascal => char.ToUpperInvariant(camel[0]) + camel[1..],
            KeyCase.Lower => camel.ToLowerInvariant(),
            _ => camel,
        };
    }

    /// <summary>A field name whose Pascal spelling is not the camel one with a capital (<c>URI</c>/<c>uri</c>).</summary>
    public string Key(string camel, string pascal)
    {
        var style = _inProperties ? _propertiesCase : _topCase;
        return style switch
        {
            KeyCase.Pascal => pascal,
            KeyCase.Lower => camel.ToLowerInvariant(),
            _ => camel,
        };
    }

    /// <summary>A text field; null is written as a missing field, JSON null or <c>"null"</c>.</summary>
    public void Text(string name, string? value)
    {
        if (value is not null)
        {
            _json.WriteString(Key(name), value);
            return;
        }

        switch (_random.Next(3))
        {
            case 0:
                break;
            case 1:
                _json.WriteNull(Key(name));
                break;
            default:
                _json.WriteString(Key(name), "null");
                break;
        }
    }

    /// <summary>A whole number, as a JSON number or a numeric string; null as for <see cref="Text"/>.</summary>
    public void Integer(string name, long? value)
    {
        if (value is not { } v)
        {
            Text(name, null);
        }
        else if (_random.Chance(_stringNumberShare))
        {
            _json.WriteString(Key(name), v.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            _json.WriteNumber(Key(name), v);
        }
    }

    /// <summary>A real number rounded to <paramref name="digits"/>, as a JSON number or a numeric string.</summary>
    public void Real(string name, double? value, int digits)
    {
        if (value is not { } v)
        {
            Text(name, null);
            return;
        }

        var rounded = Math.Round(v, digits, MidpointRounding.AwayFromZero);
        if (_random.Chance(_stringNumberShare))
        {
            _json.WriteString(Key(name), rounded.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            _json.WriteNumber(Key(name), rounded);
        }
    }

    /// <summary>A boolean, as a JSON boolean or (sometimes) <c>"true"</c>/<c>"false"</c>.</summary>
    public void Boolean(string name, bool value)
    {
        if (_random.Chance(_stringNumberShare / 2))
        {
            _json.WriteString(Key(name), value ? "true" : "false");
        }
        else
        {
            _json.WriteBoolean(Key(name), value);
        }
    }

    /// <summary>A timestamp in the record's time style.</summary>
    public void Time(string name, DateTimeOffset value) => _json.WriteString(Key(name), FormatTime(value, _timeStyle));

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    /// <summary>Formats a UTC time with 7, 3 or no fractional digits (always truncated, so the minute never changes).</summary>
    public static string FormatTime(DateTimeOffset time, int style)
    {
        var utc = time.UtcDateTime;
        return style switch
        {
            0 => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            1 => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            _ => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
    }
}
