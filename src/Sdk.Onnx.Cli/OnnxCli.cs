using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sdk.Compiler;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Weights;

namespace Sdk.Onnx.Cli;

/// <summary>
/// <c>sdk-onnx import model.onnx --class Name ...</c>: writes <c>Name.cs</c> (the network as an annotated partial
/// class) and <c>Name.safetensors</c> (its weights) into the output folder, both or neither. Exit codes: 0 written,
/// 1 the model cannot be imported (or a file error), 2 a bad command line.
/// </summary>
public static class OnnxCli
{
    public const string Usage =
        "usage: sdk-onnx import <model.onnx> --class NAME [options]\n"
        + "  --namespace NS        namespace of the class (default: none)\n"
        + "  --out DIR             where NAME.cs and NAME.safetensors go (default: .)\n"
        + "  --chips N             number of chips (default 1)\n"
        + "  --placement MODE      even (default): N contiguous runs of as many layers;\n"
        + "                        auto: [Network(Placement = PlacementMode.Auto)], the compiler places (needs --gflops)\n"
        + "  --split-at L1,L2,...  by hand: chip 1 starts at layer L1, chip 2 at L2, ... (names as imported)\n"
        + "  --gflops G            each chip's speed for auto placement\n"
        + "  --memory-kib M        each chip's memory for auto placement (default: unlimited)\n"
        + "  --link-gbps B         bandwidth of the links between neighbouring chips (default 1)\n"
        + "  -h, --help            show this help\n";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"sdk-onnx: {e.Message}");
            stderr.Write(Usage);
            return 2;
        }

        if (options.Help)
        {
            stdout.Write(Usage);
            return 0;
        }

        try
        {
            var imported = OnnxImporter.Import(options.Model, new OnnxImportOptions { Name = options.ClassName, Chips = options.Chips() });
            var (source, weights) = Write(imported, options);
            stdout.WriteLine($"{imported.Plan.TrafficSummary}");
            stdout.WriteLine($"wrote {source} and {weights}");
            return 0;
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"sdk-onnx: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is OnnxFormatException or OnnxImportException or NetworkCompilationException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"sdk-onnx: {e.Message}");
            return 1;
        }
    }

    /// <summary>Both files to temporaries beside their targets, then renamed: a failure leaves neither.</summary>
    private static (string Source, string Weights) Write(OnnxImport imported, Options options)
    {
        Directory.CreateDirectory(options.Out);
        var source = Path.Combine(options.Out, options.ClassName + ".cs");
        var weights = Path.Combine(options.Out, options.ClassName + ".safetensors");
        var id = Guid.NewGuid().ToString("N");
        var (sourceTemp, weightsTemp) = (Path.Combine(options.Out, $".{options.ClassName}.cs.{id}.tmp"), Path.Combine(options.Out, $".{options.ClassName}.safetensors.{id}.tmp"));
        try
        {
            File.WriteAllText(sourceTemp, imported.ToCSharp(options.Namespace, Path.GetFileName(weights)));
            imported.Parameters.Save(weightsTemp);
            File.Move(weightsTemp, weights, overwrite: true);
            File.Move(sourceTemp, source, overwrite: true);
            return (source, weights);
        }
        finally
        {
            File.Delete(sourceTemp);
            File.Delete(weightsTemp);
        }
    }

    /// <summary>The parsed command line.</summary>
    private sealed class Options
    {
        public string Model { get; private set; } = "";

        public string ClassName { get; private set; } = "";

        public string? Namespace { get; private set; }

        public string Out { get; private set; } = ".";

        public bool Help { get; private set; }

        private int _chips = 1;
        private string _placement = "even";
        private string[]? _splitAt;
        private double? _gflops;
        private long _memoryKiB;
        private double _linkGbps = 1;

        public OnnxChips Chips() => _placement switch
        {
            _ when _splitAt is not null => OnnxChips.Manual(_splitAt, _linkGbps),
            "auto" => OnnxChips.Auto(_chips, _gflops ?? throw new ArgumentException("--placement auto needs each chip's speed: --gflops G."), _linkGbps, _memoryKiB),
            _ => _chips == 1 ? OnnxChips.One : OnnxChips.Even(_chips, _linkGbps),
        };

        public static Options Parse(string[] args)
        {
            var options = new Options();
            var positional = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "-h" or "--help": options.Help = true; break;
                    case "--class": options.ClassName = Value(args, ref i); break;
                    case "--namespace": options.Namespace = Value(args, ref i); break;
                    case "--out": options.Out = Value(args, ref i); break;
                    case "--chips": options._chips = (int)Number(args, ref i, 1, 4096); break;
                    case "--placement": options._placement = Value(args, ref i) is var mode && mode is "even" or "auto" ? mode : throw new ArgumentException($"--placement is even or auto, not '{args[i]}'."); break;
                    case "--split-at": options._splitAt = Value(args, ref i).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries); break;
                    case "--gflops": options._gflops = Number(args, ref i, double.Epsilon, 1e12); break;
                    case "--memory-kib": options._memoryKiB = (long)Number(args, ref i, 1, 1e15); break;
                    case "--link-gbps": options._linkGbps = Number(args, ref i, double.Epsilon, 1e12); break;
                    case var arg when arg.StartsWith('-'): throw new ArgumentException($"unknown option '{arg}'.");
                    default: positional.Add(args[i]); break;
                }
            }

            if (options.Help)
            {
                return options;
            }

            if (positional.Count != 2 || positional[0] != "import")
            {
                throw new ArgumentException("expected: import <model.onnx>.");
            }

            options.Model = positional[1];
            if (options.ClassName.Length == 0)
            {
                throw new ArgumentException("--class NAME is required.");
            }

            if (options._splitAt is not null && (options._placement == "auto" || (options._chips != 1 && options._chips != options._splitAt.Length + 1)))
            {
                throw new ArgumentException($"--split-at names the first layer of each chip after chip 0: {options._splitAt.Length + 1} chips, not --chips {options._chips} or --placement auto.");
            }

            return options;
        }

        private static string Value(string[] args, ref int i) =>
            ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

        private static double Number(string[] args, ref int i, double min, double max)
        {
            var option = args[i];
            var text = Value(args, ref i);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"{option} takes a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        }
    }
}
