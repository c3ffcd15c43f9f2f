using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Sdk.Placement.Cli;

/// <summary>Typed access to one JSON object's fields, throwing errors that say which file, item and field.</summary>
internal readonly struct JsonFields
{
    private readonly JsonElement element;
    private readonly string source;

    public JsonFields(JsonElement element, string source, string context)
    {
        this.element = element;
        this.source = source;
        Context = context;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"{context} must be a JSON object, found {Describe(element)}");
        }
    }

    /// <summary>What this object is, e.g. "node #3 (id 17)".</summary>
    public string Context { get; }

    public JsonFields Renamed(string context) => new(element, source, context);

    public JsonFields Item(JsonElement item, string context) => new(item, source, context);

    /// <summary>A number between 0 and <paramref name="max"/> (every number of the format is a time, a size or a cost).</summary>
    public double Number(string name, double max) => OptionalNumber(name, max) ?? throw Missing(name);

    public double? OptionalNumber(string name, double max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !(number >= 0 && number <= max))
        {
            throw Invalid(name, max == double.MaxValue ? "a non-negative number" : $"a number between 0 and {max.ToString("G", CultureInfo.InvariantCulture)}", value);
        }

        return number;
    }

    public int Integer(string name) => OptionalInteger(name) ?? throw Missing(name);

    public int Integer(string name, int min, int max)
    {
        var integer = Integer(name);
        if (integer < min || integer > max)
        {
            throw Error(
                $"{Context}: field '{name}' must be an integer between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, found {integer.ToString(CultureInfo.InvariantCulture)}");
        }

        return integer;
    }

    // Accepts 6 and 6.0 (JSON writers differ), rejects 6.5.
    public int? OptionalInteger(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out var integer))
            {
                return integer;
            }

            if (value.TryGetDouble(out var number) && number == System.Math.Floor(number) && number >= int.MinValue && number <= int.MaxValue)
            {
                return (int)number;
            }
        }

        throw Invalid(name, "an integer", value);
    }

    public bool Boolean(string name)
    {
        if (!TryGet(name, out var value))
        {
            throw Missing(name);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when value.TryGetInt32(out var flag) && (flag == 0 || flag == 1):
                return flag == 1;
            default:
                throw Invalid(name, "true/false or 0/1", value);
        }
    }

    public IReadOnlyList<JsonElement> Array(string name, int maxLength)
    {
        if (!TryGet(name, out var value))
        {
            throw Missing(name);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, "an array", value);
        }

        if (value.GetArrayLength() > maxLength)
        {
            throw Error(
                $"{Context}: field '{name}' holds {value.GetArrayLength().ToString(CultureInfo.InvariantCulture)} items, more than the limit of {maxLength.ToString(CultureInfo.InvariantCulture)}");
        }

        var items = new List<JsonElement>();
        foreach (var item in value.EnumerateArray())
        {
            items.Add(item);
        }

        return items;
    }

    private bool TryGet(string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private PlacementInputException Missing(string name) => Error($"{Context}: field '{name}' is missing");

    private PlacementInputException Invalid(string name, string expected, JsonElement value) =>
        Error($"{Context}: field '{name}' must be {expected}, found {Describe(value)}");

    private PlacementInputException Error(string message) => new($"{source}: {message}");

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        if (text.Length > 40)
        {
            text = text.Substring(0, 40) + "...";
        }

        return value.ValueKind.ToString().ToLowerInvariant() + " " + text.ToString(CultureInfo.InvariantCulture);
    }
}
