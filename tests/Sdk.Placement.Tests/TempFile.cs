using System;
using System.IO;

namespace Sdk.Placement.Tests;

/// <summary>A uniquely named JSON file that is deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string contents)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"placement-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, contents);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
