using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace Sdk.Generator.Emit;

/// <summary>C# literals, always in the invariant culture (a locale's decimal comma must never reach generated code).</summary>
internal static class Literals
{
    /// <summary>A string literal with every character escaped as C# needs (quotes, backslashes, line breaks, control characters).</summary>
    public static string Quoted(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A double literal that reads back as the same value, non-finite values included.</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Ints(IEnumerable<int> values) => "new int[] { " + string.Join(", ", values.Select(Int)) + " }";

    public static string Strings(IEnumerable<string> values) => "new string[] { " + string.Join(", ", values.Select(Quoted)) + " }";

    /// <summary>An enum member by name when it has one, else its value cast (never invalid C#).</summary>
    public static string Enum<T>(T value)
        where T : struct, Enum =>
        System.Enum.IsDefined(typeof(T), value)
            ? $"global::{typeof(T).FullName}.{value}"
            : $"((global::{typeof(T).FullName}){Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)})";
}
