using System;
using System.Globalization;
using Sdk.Placement;

namespace Sdk.Placement.Cli;

/// <summary>Parsed command line of sdk-place.</summary>
public sealed class CliOptions
{
    /// <summary>The longest --time-limit: a day (TimeSpan itself overflows near 10^13 seconds).</summary>
    public const double MaxTimeLimitSeconds = 86_400;

    public const string Usage =
        "usage: sdk-place <graph.json> [options]\n"
        + "  -k, --accelerators N   number of accelerators, 0..4096 (overrides maxFPGAs)\n"
        + "  -l, --cpus N           number of CPUs, 0..4096 (overrides maxCPUs)\n"
        + "  --max-memory BYTES     memory per accelerator (overrides maxSizePerFPGA)\n"
        + "  --max-ideals N         give up on the exact DP above N ideals (default 200000)\n"
        + "  --max-pairs N          give up on the exact DP after N ideal pairs (default 100000000)\n"
        + "  --time-limit SECONDS   also give up after this long, 0..86400 (default: none; makes the answer\n"
        + "                         depend on the machine's speed)\n"
        + "  --json                 print the result as JSON\n"
        + "  -h, --help             show this help\n";

    public string? GraphPath { get; private set; }

    public int? Accelerators { get; private set; }

    public int? Cpus { get; private set; }

    public double? MaxMemory { get; private set; }

    public long? MaxIdeals { get; private set; }

    public long? MaxPairs { get; private set; }

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
                    options.Accelerators = (int)ParseInteger(arg, Value(args, ref i), PlacementProblem.MaxDevices);
                    break;
                case "-l":
                case "--cpus":
                    options.Cpus = (int)ParseInteger(arg, Value(args, ref i), PlacementProblem.MaxDevices);
                    break;
                case "--max-memory":
                    options.MaxMemory = ParseNumber(arg, Value(args, ref i), double.MaxValue, "bytes");
                    break;
                case "--max-ideals":
                    options.MaxIdeals = ParseInteger(arg, Value(args, ref i), PlacementSolverOptions.MaxLimit);
                    break;
                case "--max-pairs":
                    options.MaxPairs = ParseInteger(arg, Value(args, ref i), PlacementSolverOptions.MaxLimit);
                    break;
                case "--time-limit":
                    options.TimeLimit = TimeSpan.FromSeconds(ParseNumber(arg, Value(args, ref i), MaxTimeLimitSeconds, "seconds"));
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
            throw new ArgumentException(
                $"option '{option}' needs an integer between 0 and {max.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        }

        return value;
    }

    private static double ParseNumber(string option, string text, double max, string unit)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= 0) || !(value <= max))
        {
            var expected = max == double.MaxValue
                ? $"a non-negative number of {unit}"
                : $"a number of {unit} between 0 and {max.ToString("G", CultureInfo.InvariantCulture)}";
            throw new ArgumentException($"option '{option}' needs {expected}, got '{text}'");
        }

        return value;
    }
}
