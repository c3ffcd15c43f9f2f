using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Sdk.Compiler;

/// <summary>A minimal JSON writer (the generator cannot carry System.Text.Json on netstandard2.0). Indented, invariant.</summary>
internal sealed class JsonText
{
    private readonly StringBuilder _text = new();
    private readonly Stack<bool> _hasItem = new();

    public JsonText BeginObject(string? name = null) => Begin(name, '{');

    public JsonText EndObject() => End('}');

    public JsonText BeginArray(string? name = null) => Begin(name, '[');

    public JsonText EndArray() => End(']');

    public JsonText Property(string name, string? value) => Value(name, value is null ? "null" : Quote(value));

    public JsonText Property(string name, long value) => Value(name, value.ToString(CultureInfo.InvariantCulture));

    public JsonText Property(string name, double? value) =>
        Value(name, value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null");

    public JsonText Property(string name, bool value) => Value(name, value ? "true" : "false");

    public JsonText Property(string name, IEnumerable<int> values) => Value(name, "[" + string.Join(", ", values) + "]");

    public JsonText Property(string name, IEnumerable<string> values)
    {
        var quoted = new List<string>();
        foreach (var v in values)
        {
            quoted.Add(Quote(v));
        }

        return Value(name, "[" + string.Join(", ", quoted) + "]");
    }

    /// <summary>A number as an item of the current array.</summary>
    public JsonText Value(double value) => Value(null, value.ToString("R", CultureInfo.InvariantCulture));

    public override string ToString() => _text.ToString();

    private JsonText Begin(string? name, char bracket)
    {
        Separator(name);
        _text.Append(bracket);
        _hasItem.Push(false);
        return this;
    }

    private JsonText End(char bracket)
    {
        var had = _hasItem.Pop();
        if (had)
        {
            NewLine();
        }

        _text.Append(bracket);
        return this;
    }

    private JsonText Value(string? name, string literal)
    {
        Separator(name);
        _text.Append(literal);
        return this;
    }

    private void Separator(string? name)
    {
        if (_hasItem.Count > 0)
        {
            if (_hasItem.Peek())
            {
                _text.Append(',');
            }

            _hasItem.Pop();
            _hasItem.Push(true);
            NewLine();
        }

        if (name is not null)
        {
            _text.Append(Quote(name)).Append(": ");
        }
    }

    private void NewLine() => _text.Append('\n').Append(' ', 2 * _hasItem.Count);

    private static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
