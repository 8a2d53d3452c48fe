"""The code MLflow runs to build a rehire_model pyfunc model ("models from code").

It names the model class only: the model itself is the rehire_model model folder in
the MLflow model's artifacts, loaded with :func:`rehire_model.load_model`.
"""

import mlflow

from rehire_model.mlflow import RehirePyfunc

mlflow.models.set_model(RehirePyfunc())
