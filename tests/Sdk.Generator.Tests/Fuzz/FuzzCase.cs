using System;
using System.IO;
using System.Linq;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// One fuzzed input: the sources (usually one file; a class split over files gives two), where they came from
/// and the mutations applied. Made from a seed alone, so a failing seed replays exactly, as long as the seed
/// networks (Networks/, Corpus/) and the mutator are unchanged; a minimised source in Fuzz/Regressions outlives both.
/// </summary>
internal sealed record FuzzCase(int Seed, string Origin, string[] Sources, string[] Mutations)
{
    /// <summary>Separates the files of one case in a regression source.</summary>
    public const string FileSeparator = "//// next file";

    /// <summary>The checked-in networks the fuzzer starts from besides the random ones, by name.</summary>
    private static readonly Lazy<(string Name, string Text)[]> SeedFiles = new(() =>
        new[] { "Networks", "Corpus" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, folder), "*.cs").Select(f => (Name: $"{folder}/{Path.GetFileName(f)}", Text: File.ReadAllText(f))))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray());

    public static FuzzCase FromSeed(int seed)
    {
        var r = new Random(seed);
        string origin, source;
        if (r.Next(100) < 55)
        {
            var huge = r.Next(150) == 0;
            source = RandomNetworks.Create(r, "Fuzzed", huge ? r.Next(300, 1500) : 0);
            origin = huge ? "a random huge network" : "a random network";
        }
        else
        {
            (origin, source) = r.Pick(SeedFiles.Value);
        }

        var count = origin.StartsWith("a random", StringComparison.Ordinal) && r.Next(10) < 3 ? 0 : r.Next(1, 5);
        var (sources, mutations) = Mutator.Mutate(source, r, count);
        return new FuzzCase(seed, origin, sources, mutations);
    }

    /// <summary>A regression source file: one or more files separated by <see cref="FileSeparator"/>.</summary>
    public static FuzzCase FromFile(string path) =>
        new(0, Path.GetFileName(path), File.ReadAllText(path).Split(FileSeparator), Array.Empty<string>());

    public override string ToString() =>
        $"seed {Seed}: {Origin}{(Mutations.Length == 0 ? string.Empty : "; " + string.Join("; ", Mutations))}";

    /// <summary>The sources as one text, files separated, for a failure message or a regression file.</summary>
    public string Listing() => string.Join(FileSeparator + "\n", Sources);
}
