using System;
using System.Globalization;

namespace Sdk.Placement.Cli;

/// <summary>Parsed command line of sdk-place.</summary>
public sealed class CliOptions
{
    public const string Usage =
        "usage: sdk-place <graph.json> [options]\n"
        + "  -k, --accelerators N   number of accelerators (overrides maxFPGAs)\n"
        + "  -l, --cpus N           number of CPUs (overrides maxCPUs)\n"
        + "  --max-memory BYTES     memory per accelerator (overrides maxSizePerFPGA)\n"
        + "  --max-ideals N         give up on the exact DP above N ideals (default 200000)\n"
        + "  --time-limit SECONDS   give up on the exact DP after this long (default 60)\n"
        + "  --json                 print the result as JSON\n"
        + "  -h, --help             show this help\n";

    public string? GraphPath { get; private set; }

    public int? Accelerators { get; private set; }

    public int? Cpus { get; private set; }

    public double? MaxMemory { get; private set; }

    public long? MaxIdeals { get; private set; }

    public TimeSpan? TimeLimit { get; private set; }

    public bool Json { get; private set; }

    public bool Help { get; private set; }

    /// <exception cref="ArgumentException">Unknown option or bad value; the message says which.</exception>
    public static CliOptions Parse(string[] args)
    {
        var options = new CliOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h":
                case "--help":
                    options.Help = true;
                    break;
                case "--json":
                    options.Json = true;
                    break;
                case "-k":
                case "--accelerators":
                    options.Accelerators = (int)ParseInteger(arg, Value(args, ref i), int.MaxValue);
                    break;
                case "-l":
                case "--cpus":
                    options.Cpus = (int)ParseInteger(arg, Value(args, ref i), int.MaxValue);
                    break;
                case "--max-memory":
                    options.MaxMemory = ParseNumber(arg, Value(args, ref i));
                    break;
                case "--max-ideals":
                    options.MaxIdeals = ParseInteger(arg, Value(args, ref i), long.MaxValue);
                    break;
                case "--time-limit":
                    options.TimeLimit = TimeSpan.FromSeconds(ParseNumber(arg, Value(args, ref i)));
                    break;
                default:
                    if (arg.StartsWith("-", StringComparison.Ordinal) && arg.Length > 1)
                    {
                        throw new ArgumentException($"unknown option '{arg}'");
                    }

                    if (options.GraphPath is not null)
                    {
                        throw new ArgumentException($"only one graph file is accepted, got '{options.GraphPath}' and '{arg}'");
                    }

                    options.GraphPath = arg;
                    break;
            }
        }

        if (options.GraphPath is null && !options.Help)
        {
            throw new ArgumentException("no graph file given");
        }

        return options;
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"option '{args[i]}' needs a value");
        }

        return args[++i];
    }

    private static long ParseInteger(string option, string text, long max)
    {
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0 || value > max)
        {
            throw new ArgumentException($"option '{option}' needs a non-negative integer, got '{text}'");
        }

        return value;
    }

    private static double ParseNumber(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"option '{option}' needs a non-negative number, got '{text}'");
        }

        return value;
    }
}
