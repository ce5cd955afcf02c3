"""From a declarative list of steps to scored variants."""
