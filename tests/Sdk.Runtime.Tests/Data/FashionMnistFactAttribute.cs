using Sdk.Runtime.Data;

namespace Sdk.Runtime.Tests.Data
{
    /// <summary>A fact that is skipped (not failed) when the Fashion-MNIST files are not installed.</summary>
    public sealed class FashionMnistFactAttribute : FactAttribute
    {
        public FashionMnistFactAttribute()
        {
            if (FashionMnist.Locate() is null)
            {
                Skip = $"Fashion-MNIST not found: install the Debian package dataset-fashion-mnist or set {FashionMnist.DirectoryVariable}.";
            }
        }
    }
}
