using System;
using System.Globalization;
using System.Linq;

namespace CompressionStudy;

/// <summary>
/// The study's command line: <c>--out DIR --data DIR --seeds 1,2,3 --epochs N --train N --test N --calibration N
/// --networks A,B --cuts early,late --ratios 1,2,4</c>, and the format study: <c>--formats all|Float16,Truncated:12,...
/// --exchange all|... --format-seeds 1 --format-networks FashionCnn --replicas 2</c>.
/// </summary>
public sealed record StudyArguments(StudyOptions Options, string OutDirectory, string? DataDirectory)
{
    public const string DefaultOut = "compression-out";

    /// <summary>The arguments, or the one-line reason they are wrong.</summary>
    public static (StudyArguments? Arguments, string? Error) Parse(string[] args)
    {
        var options = new StudyOptions();
        string output = DefaultOut;
        string? data = null;
        var formatSeeds = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                return (null, $"{name} needs a value");
            }

            var value = args[++i];
            try
            {
                options = name switch
                {
                    "--seeds" => options with { Seeds = Ints(value) },
                    "--epochs" => options with { Epochs = Int(value) },
                    "--train" => options with { TrainSamples = Int(value) },
                    "--test" => options with { TestSamples = Int(value) },
                    "--calibration" => options with { CalibrationSamples = Int(value) },
                    "--ratios" => options with { Ratios = Ints(value) },
                    "--networks" => options with { Networks = value.Split(',') },
                    "--cuts" => options with { Cuts = value.Split(',') },
                    "--formats" => options with { FormatStudy = Axis(options) with { Formats = Wires(value) } },
                    "--exchange" => options with { FormatStudy = Axis(options) with { Exchange = Wires(value) } },
                    "--format-seeds" => options with { FormatStudy = Axis(options) with { Seeds = Ints(value) } },
                    "--format-networks" => options with { FormatStudy = Axis(options) with { Networks = value.Split(',') } },
                    "--replicas" => options with { FormatStudy = Axis(options) with { Replicas = Int(value) } },
                    "--out" or "--data" => options,
                    _ => throw new ArgumentException($"unknown option {name} (options: --out --data --seeds --epochs --train --test --calibration --ratios --networks --cuts --formats --exchange --format-seeds --format-networks --replicas)"),
                };
            }
            catch (FormatException)
            {
                return (null, $"{name} {value}: not a number or a comma-separated list of numbers");
            }
            catch (OverflowException)
            {
                return (null, $"{name} {value}: too large");
            }
            catch (ArgumentException error)
            {
                return (null, error.Message);
            }

            formatSeeds |= name == "--format-seeds";
            output = name == "--out" ? value : output;
            data = name == "--data" ? value : data;
        }

        if (options.FormatStudy is { } axis && !formatSeeds)
        {
            options = options with { FormatStudy = axis with { Seeds = options.Seeds } };
        }

        return options.Problem() is { } problem ? (null, problem) : (new StudyArguments(options, output, data), null);
    }

    /// <summary>The format study of <paramref name="options"/>, or a new one without formats (each list is set by its own option).</summary>
    private static FormatAxis Axis(StudyOptions options) => options.FormatStudy ?? new FormatAxis { Formats = [], Exchange = [] };

    /// <summary>Canonical wire names; <c>all</c>: <see cref="StudyWire.Defaults"/>.</summary>
    private static string[] Wires(string value) =>
        value == "all" ? StudyWire.Defaults : value.Split(',').Select(w => StudyWire.Parse(w).Name).ToArray();

    private static int Int(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int[] Ints(string value) => value.Split(',').Select(Int).ToArray();
}
