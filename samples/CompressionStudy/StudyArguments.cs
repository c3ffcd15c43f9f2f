using System;
using System.Globalization;
using System.Linq;

namespace CompressionStudy;

/// <summary>The study's command line: <c>--out DIR --data DIR --seeds 1,2,3 --epochs N --train N --test N --calibration N --networks A,B --cuts early,late --ratios 1,2,4</c>.</summary>
public sealed record StudyArguments(StudyOptions Options, string OutDirectory, string? DataDirectory)
{
    public const string DefaultOut = "compression-out";

    /// <summary>The arguments, or the one-line reason they are wrong.</summary>
    public static (StudyArguments? Arguments, string? Error) Parse(string[] args)
    {
        var options = new StudyOptions();
        string output = DefaultOut;
        string? data = null;
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
                    "--out" or "--data" => options,
                    _ => throw new ArgumentException($"unknown option {name} (options: --out --data --seeds --epochs --train --test --calibration --ratios --networks --cuts)"),
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

            output = name == "--out" ? value : output;
            data = name == "--data" ? value : data;
        }

        return options.Problem() is { } problem ? (null, problem) : (new StudyArguments(options, output, data), null);
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int[] Ints(string value) => value.Split(',').Select(Int).ToArray();
}
