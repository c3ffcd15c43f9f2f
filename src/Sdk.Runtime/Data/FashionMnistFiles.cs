namespace Sdk.Runtime.Data
{
    /// <summary>The paths of the four Fashion-MNIST IDX files (each gzipped or not).</summary>
    public sealed record FashionMnistFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels);
}
