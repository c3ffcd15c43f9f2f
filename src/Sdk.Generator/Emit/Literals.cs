using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Generator.Emit;

/// <summary>C# literals, always in the invariant culture (a locale's decimal comma must never reach generated code).</summary>
internal static class Literals
{
    public static string String(string value) => "@\"" + value.Replace("\"", "\"\"") + "\"";

    public static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static readonly string[] ActivationNames = { "None", "Relu", "Relu6", "Sigmoid", "Tanh", "Gelu" };
    private static readonly string[] WireFormatNames = { "Float32", "Float16", "BFloat16", "Int8" };

    /// <summary>A member of <c>Sdk.Activation</c> by its value (the analysis has checked the range).</summary>
    public static string Activation(int value) => "global::Sdk.Activation." + ActivationNames[value];

    public static string WireFormat(int value) => "global::Sdk.WireFormat." + WireFormatNames[value];

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Double(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Ints(IEnumerable<int> values) => "new int[] { " + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + " }";

    public static string Strings(IEnumerable<string> values) => "new string[] { " + string.Join(", ", values.Select(Quoted)) + " }";
}
