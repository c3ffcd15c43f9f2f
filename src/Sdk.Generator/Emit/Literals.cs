using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Generator.Emit;

/// <summary>C# literals, always in the invariant culture (a locale's decimal comma must never reach generated code).</summary>
internal static class Literals
{
    public static string String(string value) => "@\"" + value.Replace("\"", "\"\"") + "\"";

    public static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

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
